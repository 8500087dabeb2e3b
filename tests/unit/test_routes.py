from local.routes import route_table, select
from shared.catalog import Function

FUNCTIONS = (
    Function("reports", "m.h", "api", "", routes=("ANY /api/reports", "ANY /api/reports/{proxy+}")),
    Function(
        "schedules", "m.h", "api", "", routes=("ANY /api/reports/schedules", "ANY /api/reports/schedules/{proxy+}")
    ),
    Function("one", "m.h", "api", "", routes=("GET /api/reports/tables",)),
    Function("health", "m.h", "api", "", public_routes=("GET /health",)),
)


def test_most_specific_route_wins() -> None:
    table = route_table(FUNCTIONS)
    assert select(table, "GET", "/api/reports/tables")[0].function == "one"  # type: ignore[index]
    assert select(table, "POST", "/api/reports/tables")[0].function == "reports"  # type: ignore[index]
    assert select(table, "GET", "/api/reports/schedules/s1/run")[0].function == "schedules"  # type: ignore[index]
    assert select(table, "GET", "/api/reports/r1")[0].function == "reports"  # type: ignore[index]
    assert select(table, "GET", "/api/reports")[0].function == "reports"  # type: ignore[index]


def test_public_flag_and_no_match() -> None:
    table = route_table(FUNCTIONS)
    route, params = select(table, "GET", "/health")  # type: ignore[misc]
    assert route.public
    assert params == {}
    assert select(table, "POST", "/health") is None
    assert select(table, "GET", "/api/other") is None


def test_greedy_path_parameter() -> None:
    route, params = select(route_table(FUNCTIONS), "DELETE", "/api/reports/r1/x")  # type: ignore[misc]
    assert params == {"proxy": "r1/x"}
    assert not route.public
