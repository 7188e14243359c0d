"""A Python-driven LAMMPS run with SoaplensPublisher, for the tests (run on 1 or more MPI ranks).

    [mpiexec -n 2] python3 drive_api.py --endpoint EP --mode publish|push --dump FILE
        --potential Cu_u3.eam [--precision float32] [--steps 100] [--second 50] [--every 10]

Sets up examples/in.cu211-small up to its `run`, attaches the publisher, runs STEPS steps,
then `reset_timestep 0` and SECOND more steps (a second segment, dumped to DUMP.2), and closes. Rank 0 prints
`endpoint EP` once bound and the publisher's summary as one JSON line at the end.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from soaplens_lammps import SoaplensPublisher, open_lammps  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--mode", default="publish")
    ap.add_argument("--dump", required=True)
    ap.add_argument("--potential", required=True)
    ap.add_argument("--precision", default="float64")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--second", type=int, default=50)
    ap.add_argument("--every", type=int, default=10)
    ap.add_argument("--run-id", default="api")
    args = ap.parse_args()

    lmp = open_lammps(["-screen", "none", "-log", "none", "-var", "potential", args.potential,
                       "-var", "dumpfile", args.dump, "-var", "every", str(args.every)])
    with open(os.path.join(os.path.dirname(HERE), "examples", "in.cu211-small")) as f:
        setup = [line for line in f if not line.lstrip().startswith(("run", "if"))]
    lmp.commands_string("".join(setup))
    pub = SoaplensPublisher(lmp, endpoint=args.endpoint, mode=args.mode, every=args.every, species={1: "Cu"},
                            run_id=args.run_id, precision=args.precision, wait_timeout=60,
                            on_bound=lambda ep: print(f"endpoint {ep}", flush=True))
    lmp.command(f"run {args.steps}")
    # LAMMPS refuses reset_timestep with an active dump: the second segment goes to DUMP.2
    lmp.command("undump traj")
    lmp.command("reset_timestep 0")
    lmp.command(f"dump traj2 all custom {args.every} {args.dump}.2 id type x y z")
    lmp.command("dump_modify traj2 sort id format float %.17g")
    lmp.command(f"run {args.second}")
    summary = pub.close()
    if pub.rank == 0:
        print(json.dumps(summary), flush=True)
    lmp.close()


if __name__ == "__main__":
    main()
