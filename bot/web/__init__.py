"""The operators' web console (HR, the ISO secretary, admins); not the console chat."""
