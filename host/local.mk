# host/: see README.md for what lives here
