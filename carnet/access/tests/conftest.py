def pytest_terminal_summary(terminalreporter):
    from carnet.access.tests.test_policy_table import case_count  # noqa: PLC0415 - read after the run

    terminalreporter.write_line(f"policy table: {case_count()} role x rule x action cases")
