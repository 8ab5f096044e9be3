"""auditor: walks a web shop like a shopper and reports the friction it feels."""
__version__ = "0.1.0"
