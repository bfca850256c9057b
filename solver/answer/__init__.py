"""The answer a person reads: pairings with reasons, suggestions, unmatched reasons, conflicts,
stability counts and metrics, in the request's language (`messages/`)."""
