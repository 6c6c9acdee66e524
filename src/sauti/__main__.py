from sauti.cli import main

raise SystemExit(main())
