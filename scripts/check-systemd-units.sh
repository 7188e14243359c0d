#!/usr/bin/env bash
# Checks the systemd units in systemd/ against a built soaplens binary:
#   scripts/check-systemd-units.sh "$(swift build -Xswiftc -target-cpu -Xswiftc native --show-bin-path)/soaplens"
#
# The units are copied to a temporary directory with ExecStart's /usr/local/bin/soaplens
# replaced by BIN, then, for soaplens.service, soaplens-listen.service and the template's
# instance soaplens@demo.service:
#   1. systemd-analyze verify: exit status AND every line it prints about our units. verify
#      exits 0 on a misspelled directive, an unparsable value or an unknown section ("Unknown
#      key ..., ignoring"): systemd ignores the line and starts the unit without it, so a
#      hardening directive with a typo silently disappears. Any line naming our unit files or
#      units is a failure; lines about other units of the host are shown, not counted.
#   2. ExecStart: one per unit, the installed path, and every --flag exists in
#      `BIN <subcommand> --help` (verify checks only that the binary is there).
#   3. The directives docs/deploy.md promises are present as written and not assigned again
#      further down (systemd keeps the last assignment). The exposure score (5.) is blind to
#      several of them: without DynamicUser=, ProtectSystem=, PrivateTmp=, NoNewPrivileges=,
#      MemoryDenyWriteExecute= or UMask= it stays the same.
#   4. The listener has no Requires=/BindsTo=/PartOf=/Requisite= on the daemon (it must keep
#      running while the daemon restarts).
#   5. systemd-analyze security --offline=true: the exposure score is printed and must be
#      at most 0.9, i.e. inside systemd's own "SAFE" band (below 1.0). The units score 0.9
#      with systemd 252; dropping any one of PrivateUsers=, ProtectProc=, IPAddressDeny=,
#      PrivateDevices=, PrivateMounts=, ProtectKernelTunables=, SystemCallArchitectures=,
#      RestrictAddressFamilies=, RestrictNamespaces=, SystemCallFilter= or
#      CapabilityBoundingSet= raises it to 1.1 to 2.7 and fails. What remains exposed is what
#      the service needs: internet sockets (loopback TCP), AF_UNIX (journal, sd_notify), the
#      host's network namespace (the publisher is a host process on 127.0.0.1), /proc files
#      (/proc/cpuinfo). SECURITY_THRESHOLD (tenths, default 9) overrides it.
# Then a self-test: broken copies (a misspelled directive, a missing binary, a bad value, an
# unknown flag, weakened hardening, a coupled listener, a typo in the template) must each
# fail the same checks for the expected reason; a check that cannot fail is a defect.
#
# Works without systemd as PID 1 (containers, CI): verify and security --offline load the
# unit files into a private manager and need no running systemd or D-Bus; the environment
# below fixes the log output (no colour, no pager, console) so the lines can be matched, and
# SYSTEMD_UNIT_PATH leaves out /etc/systemd and /run/systemd (a host where soaplens is
# installed would otherwise merge its drop-ins into the copies). Runs as any user.
set -euo pipefail

usage() { echo "usage: $0 BIN   (the built soaplens executable)" >&2; exit 2; }
[ $# -eq 1 ] || usage
bin="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
threshold="${SECURITY_THRESHOLD:-9}"
installed=/usr/local/bin/soaplens

if ! command -v systemd-analyze >/dev/null; then
    echo "check-systemd-units: systemd-analyze not found (scripts/bootstrap.sh installs systemd)" >&2
    exit 1
fi
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
[ -x "$bin" ] || { echo "check-systemd-units: $bin is not an executable" >&2; exit 1; }
case "$bin" in *[[:space:]\|\&\\%]*) echo "check-systemd-units: unsupported characters in the path $bin" >&2; exit 1 ;; esac

export SYSTEMD_LOG_LEVEL=notice SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_COLOR=0 SYSTEMD_LOG_LOCATION=0 \
    SYSTEMD_LOG_TIME=0 SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat SYSTEMD_IGNORE_CHROOT=1 OPENBLAS_NUM_THREADS=1

unit_files=(soaplens.service soaplens-listen.service soaplens@.service)
# What is verified: the template through an instance (a template alone has no %i).
checked=(soaplens.service soaplens-listen.service soaplens@demo.service)
daemons=(soaplens.service soaplens@.service)

# Directives the units must carry as written (file → lines).
required_common=(
    "Type=notify" "KillSignal=SIGTERM" "Restart=on-failure" "Environment=OPENBLAS_NUM_THREADS=1"
    "DynamicUser=yes" "User=soaplens" "LogsDirectory=soaplens" "UMask=0077"
    "IPAddressDeny=any" "IPAddressAllow=localhost" "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"
    "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" "PrivateDevices=yes"
    "PrivateUsers=yes" "ProtectProc=invisible" "MemoryDenyWriteExecute=yes" "RestrictNamespaces=yes"
    "SystemCallFilter=@system-service" "SystemCallFilter=~@privileged @resources"
    "CapabilityBoundingSet=" "AmbientCapabilities="
)
required_daemon=("ConfigurationDirectory=soaplens" "TimeoutStopSec=30")

tmpdirs=()
cleanup() { [ ${#tmpdirs[@]} -eq 0 ] || rm -rf "${tmpdirs[@]}"; }
trap cleanup EXIT

# Copies the units to a new directory with ExecStart pointing at $bin; prints the directory.
stage() {
    local dir f
    dir="$(mktemp -d "${TMPDIR:-/tmp}/soaplens-units.XXXXXX")"
    for f in "${unit_files[@]}"; do
        sed -e "s|^ExecStart=$installed |ExecStart=$bin |" "$root/systemd/$f" >"$dir/$f"
    done
    echo "$dir"
}

# Runs every check on the units in $1; prints what it finds; fails when anything is wrong.
check() {
    local dir="$1" problems=0 unit out rc line score f execs argv sub flag helptext key other
    # Our copies first, then the distribution's units (targets the units refer to); not
    # /etc/systemd or /run/systemd, so drop-ins of an installed soaplens on this host stay out.
    local unit_path="$dir:/usr/lib/systemd/system:/lib/systemd/system"
    local ours="$dir/|(^|[^[:alnum:]_.@-])soaplens(-listen)?(@[^[:space:]:]*)?\.service"

    for f in "${unit_files[@]}"; do
        # 3. The promised directives.
        local want=("${required_common[@]}")
        [[ " ${daemons[*]} " == *" $f "* ]] && want+=("${required_daemon[@]}")
        for line in "${want[@]}"; do
            grep -qxF -- "$line" "$dir/$f" || { echo "FAIL $f: missing \`$line\`"; problems=$((problems + 1)); }
            # ... and not overridden by a later assignment of the same key (systemd takes
            # the last one, or adds to the list). SystemCallFilter= and Environment= stack.
            key="${line%%=*}"
            case "$key" in SystemCallFilter | Environment) continue ;; esac
            if other="$(grep -E "^[[:space:]]*$key[[:space:]]*=" "$dir/$f" | grep -vxF -- "$line")"; then
                echo "FAIL $f: \`$line\` overridden by \`$other\`"; problems=$((problems + 1))
            fi
        done
        # 2. ExecStart: exactly one, the installed binary (now $bin), flags the binary knows.
        mapfile -t execs < <(grep -E '^[[:space:]]*ExecStart[[:space:]]*=' "$dir/$f" || true)
        if [ ${#execs[@]} -ne 1 ]; then
            echo "FAIL $f: ${#execs[@]} ExecStart= lines (want 1)"; problems=$((problems + 1)); continue
        fi
        read -r -a argv <<<"${execs[0]#*=}"
        if [ "${argv[0]}" != "$bin" ]; then
            echo "FAIL $f: ExecStart runs ${argv[0]}, not $installed"; problems=$((problems + 1)); continue
        fi
        sub="${argv[1]:-}"
        # An unknown subcommand prints the top-level help and exits 0: look at USAGE.
        helptext="$("$bin" "$sub" --help 2>&1)" || true
        if [ -z "$sub" ] || ! grep -qE "^USAGE: soaplens $sub( |\$)" <<<"$helptext"; then
            echo "FAIL $f: \`soaplens $sub\` is not a subcommand of this binary"; problems=$((problems + 1)); continue
        fi
        for flag in "${argv[@]:2}"; do
            [[ "$flag" == --* ]] || continue
            flag="${flag%%=*}"
            if ! grep -qE -- "(^|[[:space:],])$flag([[:space:],=<]|\$)" <<<"$helptext"; then
                echo "FAIL $f: soaplens $sub has no option $flag"; problems=$((problems + 1))
            fi
        done
    done
    # 4. The listener survives the daemon.
    if grep -nE '^(Requires|BindsTo|PartOf|Requisite)=.*soaplens' "$dir/soaplens-listen.service"; then
        echo "FAIL soaplens-listen.service: bound to the daemon (it must survive daemon restarts)"; problems=$((problems + 1))
    fi

    for unit in "${checked[@]}"; do
        # 1. verify: the exit status and every line about our units.
        rc=0
        out="$(cd "$dir" && SYSTEMD_UNIT_PATH="$unit_path" systemd-analyze verify --man=no --generators=no "./$unit" 2>&1)" || rc=$?
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            if grep -qE -- "$ours" <<<"$line"; then
                echo "FAIL verify $unit: $line"; problems=$((problems + 1))
            else
                echo "note verify $unit (not our units): $line"
            fi
        done <<<"$out"
        if [ "$rc" -ne 0 ]; then echo "FAIL verify $unit: systemd-analyze verify exited $rc"; problems=$((problems + 1)); fi

        # 5. security: the exposure score, at most the threshold.
        rc=0
        out="$(cd "$dir" && SYSTEMD_UNIT_PATH="$unit_path" systemd-analyze security --offline=true --threshold="$threshold" --no-pager "./$unit" 2>&1)" || rc=$?
        score="$(sed -nE 's/^→ Overall exposure level for [^:]*: ([0-9]+\.[0-9]).*/\1/p' <<<"$out")"
        if [ -z "$score" ]; then
            echo "FAIL security $unit: no exposure score in the output:"; echo "$out" | tail -5
            problems=$((problems + 1))
        elif [ "$rc" -ne 0 ] || [ "${score/./}" -gt "$threshold" ]; then
            echo "FAIL security $unit: exposure $score above $((threshold / 10)).$((threshold % 10))"
            grep -E '^✗' <<<"$out" | sed 's/^/    /'
            problems=$((problems + 1))
        else
            echo "ok   security $unit: exposure $score (limit $((threshold / 10)).$((threshold % 10)))"
        fi
    done
    [ "$problems" -eq 0 ]
}

echo "check-systemd-units: $(systemd-analyze --version | head -1), units against $bin"
dir="$(stage)"; tmpdirs+=("$dir")
status=0
if check "$dir"; then
    echo "check-systemd-units: units ok"
else
    echo "check-systemd-units: units FAILED"; status=1
fi

# The self-test: each broken copy must fail, for the reason given (a regular expression the
# check's output must match).
mutant() {
    local name="$1" file="$2" script="$3" expect="$4" d out
    d="$(stage)"; tmpdirs+=("$d")
    sed -i -E -e "$script" "$d/$file"
    if cmp -s "$d/$file" "$root/systemd/$file" || cmp -s "$d/$file" "$dir/$file"; then
        echo "self-test $name: the mutation changed nothing"; return 1
    fi
    if out="$(check "$d" 2>&1)"; then
        echo "self-test $name: NOT caught (the check cannot fail on it)"; return 1
    elif ! grep -qE -- "$expect" <<<"$out"; then
        echo "self-test $name: failed, but not for the expected reason /$expect/:"; sed 's/^/    /' <<<"$out"; return 1
    fi
    echo "self-test $name: caught ($(grep -E -m1 -- "$expect" <<<"$out"))"
}
selftest=0
mutant "misspelled directive" soaplens.service 's/^ProtectKernelModules=/ProtectKernelModuls=/' "Unknown key 'ProtectKernelModuls'" || selftest=1
mutant "missing binary" soaplens.service "s|^ExecStart=[^ ]+|ExecStart=/nonexistent/soaplens|" "FAIL verify soaplens.service: .*/nonexistent/soaplens is not executable" || selftest=1
mutant "unparsable value" soaplens-listen.service 's/^TimeoutStopSec=.*/TimeoutStopSec=15x/' "Failed to parse .*15x" || selftest=1
mutant "unknown section" soaplens-listen.service 's/^\[Install\]/[Instal]/' "Unknown section 'Instal'" || selftest=1
mutant "unknown flag" soaplens.service 's/ --quiet/ --quite/' "has no option --quite" || selftest=1
mutant "unknown subcommand" soaplens.service 's/soaplens run /soaplens runn /' "runn. is not a subcommand" || selftest=1
mutant "hardening removed (score)" soaplens.service '/^PrivateUsers=/d' "FAIL security soaplens.service: exposure [0-9.]+ above" || selftest=1
mutant "hardening removed (blind spot)" soaplens-listen.service '/^ProtectSystem=/d' "missing .ProtectSystem=strict" || selftest=1
mutant "hardening overridden" soaplens@.service 's/^ProtectSystem=strict/&\nProtectSystem=full/' "overridden by .ProtectSystem=full" || selftest=1
mutant "listener bound to the daemon" soaplens-listen.service 's/^\[Service\]/PartOf=soaplens.service\n[Service]/' "bound to the daemon" || selftest=1
mutant "template typo" "soaplens@.service" 's/^RestrictRealtime=/RestrictRealtim=/' "verify soaplens@demo.service: .*Unknown key 'RestrictRealtim'" || selftest=1
mutant "template bad specifier" "soaplens@.service" 's|^StateDirectory=.*|StateDirectory=soaplens/%z|' "soaplens@demo.service.*Failed to resolve unit specifiers" || selftest=1
if [ "$selftest" -ne 0 ]; then echo "check-systemd-units: self-test FAILED"; status=1; else echo "check-systemd-units: self-test ok"; fi
exit "$status"
