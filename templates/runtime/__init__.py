"""Code every generated package carries unchanged: ordinary Python, checked where it lives
(templates/runtime/) and copied into each package as its `_runtime` subpackage."""
