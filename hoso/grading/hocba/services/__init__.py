"""Every write of the học bạ: versions and signatures, batches for a class."""
