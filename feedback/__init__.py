"""Citizen feedback on drafts: comments, moderation, dispositions and the synthesis report."""
