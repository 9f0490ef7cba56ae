"""VAB-CSS: repair a web page's stylesheet until it matches a target screenshot."""
