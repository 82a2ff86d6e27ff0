"""Whistle requests: towns call, district departments respond (issue 7)."""
