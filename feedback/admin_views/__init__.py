"""Wagtail admin views of feedback: the moderation queue, drafters' review, paper submissions."""
