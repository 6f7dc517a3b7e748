"""`python -m prm_check prospects.csv --token TOKEN [--url URL] [--output answers.csv]` (docs/private-check.md)."""

import argparse
import csv
import os
import sys
import time

from prm_check.client import CheckError, Portal, check, read_csv

LIMITS = (
    "PSI matches normalised keys exactly (the domain, or the country and the normalised name): a prospect that "
    "differs by a typo is found only by registering it."
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="prm_check", description="Private availability check of a prospect CSV.")
    parser.add_argument("csv", help="CSV of prospects: name, domain, country (header row optional)")
    parser.add_argument("--token", default=os.environ.get("PRM_TOKEN", ""), help="API token (or PRM_TOKEN)")
    parser.add_argument("--url", default=os.environ.get("PRM_URL", "http://localhost:8000"), help="Portal URL")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="Parallel processes (default: CPUs)")
    parser.add_argument("--output", help="Write the answers as CSV here (default: standard output)")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("--token is required (or set PRM_TOKEN)")
    with open(args.csv, encoding="utf-8-sig", newline="") as handle:
        prospects = read_csv(handle.read())
    if not prospects:
        print("No prospects in the file.", file=sys.stderr)
        return 1
    started = time.monotonic()
    try:
        result = check(prospects, portal=Portal(args.url, args.token), processes=args.processes)
    except CheckError as exc:
        print(f"The portal refused the check: {exc}", file=sys.stderr)
        return 2
    out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    writer = csv.writer(out)
    if result.counts_only:
        writer.writerow(["answer", "keys"])
        writer.writerows(sorted(result.counts.items()))
    else:
        writer.writerow(["name", "domain", "country", "answer", "protected_until"])
        for p, (answer, until) in zip(prospects, result.answers, strict=True):
            writer.writerow([p.name, p.domain, p.country, answer, until or ""])
    if out is not sys.stdout:
        out.close()
    seconds = time.monotonic() - started
    per = (result.bytes_sent + result.bytes_received) / len(prospects)
    print(
        f"{len(prospects)} prospects in {seconds:.1f} s, {per:.0f} bytes per prospect on the wire; "
        f"{result.remaining_today} left today. {LIMITS}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
