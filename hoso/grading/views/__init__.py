"""Web pages of the gradebook: thin, they call services and selectors."""
