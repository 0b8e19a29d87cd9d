"""Documents the app makes for people outside it: the quote PDF a customer receives."""
