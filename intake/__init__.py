"""Survey files in: participants from CSV exports."""
