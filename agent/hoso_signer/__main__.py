from hoso_signer.cli import main

raise SystemExit(main())
