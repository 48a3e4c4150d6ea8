"""The demo data set behind `flask --app wsgi seed-demo`."""
