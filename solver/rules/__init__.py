"""What the program asks: soft criteria (how well a pair suits) and their factor forms, hard
rules (pairs never made), and `program/` (rules over the whole pairing, one class each)."""
