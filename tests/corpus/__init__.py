"""The platform corpus (issue 11): see README.md."""
