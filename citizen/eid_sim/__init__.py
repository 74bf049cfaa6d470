"""The simulated national e-identity (VNeID-style OpenID Connect provider) and population database."""
