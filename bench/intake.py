"""What reading survey files costs: the bundled generator's pool written as French Excel
saves it (a `;` CSV pair with BOM and decimal commas, and one workbook with a sheet per
side), then read back by `intake.read_pool`, each size in this process.

    python -m bench.intake --sizes 3000,12000,30000   # participants (mentees : mentors = 3 : 1)
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile

from bench.memory import peak_mb
from generator.pools import generate_pool
from intake import File, read_pool
from intake.examples import french_csv, french_workbook


def row(people: int) -> str:
    mentees = people * 3 // 4
    pool = generate_pool(mentees, people - mentees, 1)
    mentors_csv, mentees_csv = (
        french_csv(side, pool, "utf-8-sig") for side in ("mentors", "mentees")
    )
    started = time.perf_counter()
    read_pool(("mentors.csv", mentors_csv), ("mentees.csv", mentees_csv))
    csv_seconds = time.perf_counter() - started
    book = french_workbook(pool)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(book)).infolist())
    started = time.perf_counter()
    read_pool(File("pool.xlsx", book, "Mentors"), File("pool.xlsx", book, "Mentorés"))
    xlsx_seconds = time.perf_counter() - started
    csv_mb = (len(mentors_csv) + len(mentees_csv)) / 2**20
    return (
        f"| {people:,} | {csv_mb:.1f} | {csv_seconds:.2f} | {len(book) / 2**20:.1f} "
        f"| {unpacked / 2**20:.1f} | {xlsx_seconds:.2f} | {peak_mb():.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,12000,30000")
    args = parser.parse_args()
    print("| participants | CSV MB | CSV s | XLSX MB | unpacked MB | XLSX s | peak MB so far |")
    print("|---|---|---|---|---|---|---|")
    for people in (int(size) for size in args.sizes.split(",")):
        print(row(people), flush=True)


if __name__ == "__main__":
    main()
