"""`python -m generator --mentees 1000 --mentors 350 --seed 1 --out pool.json`."""

from generator.pools import main

raise SystemExit(main())
