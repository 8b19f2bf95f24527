"""Draft legal documents: drafting bodies, drafts, versions and their provisions."""
