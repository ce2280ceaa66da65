"""Supporters taking part: proposing events (checked, guarded, moderated) and saying "I'll be there"."""
