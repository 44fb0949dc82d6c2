"""One blueprint a module. Views parse, call a service, render; they commit once or not at all."""
