from .entry import module_main

module_main()
