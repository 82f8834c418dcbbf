from coordinator_app.cli import main

raise SystemExit(main())
