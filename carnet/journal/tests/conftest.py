def pytest_terminal_summary(terminalreporter):
    passed = [r for r in terminalreporter.stats.get("passed", []) if "test_tampering_is_detected" in r.nodeid]
    failed = [r for r in terminalreporter.stats.get("failed", []) if "test_tampering_is_detected" in r.nodeid]
    if passed or failed:
        terminalreporter.write_line(
            f"journal tampering: {len(passed) + len(failed)} cases tried, {len(passed)} detected"
        )
