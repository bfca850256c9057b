"""Program rules: rules over the whole pairing (diversity, groups, stability, fairness)."""
