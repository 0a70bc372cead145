from mieb.cli import main

raise SystemExit(main())
