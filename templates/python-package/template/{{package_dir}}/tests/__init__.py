# the package's own tests
