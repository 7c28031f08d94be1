"""Học bạ pages: a class's học bạ, one version, its files and signing, batches."""
