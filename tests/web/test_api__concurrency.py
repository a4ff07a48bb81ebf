"""Ten clients completing the same task at once over real HTTP: exactly one wins, the case stays intact."""

from __future__ import annotations

import threading

import requests
from flask.testing import FlaskClient

from tests.web.conftest import bearer, intake


def test_ten_concurrent_completions_give_exactly_one_200(
    client: FlaskClient, tokens: dict[str, str], live_server: str
) -> None:
    headers = bearer(tokens["eje13"])
    folio = client.post("/api/v1/cases", json=intake(), headers=headers).get_json()["folio"]
    task_id = client.get("/api/v1/tasks", headers=headers).get_json()["tasks"][0]["id"]
    barrier, codes = threading.Barrier(10), []
    lock = threading.Lock()

    def worker(n: int) -> None:
        barrier.wait()
        resp = requests.post(
            f"{live_server}/api/v1/tasks/{task_id}/complete",
            headers=headers,
            timeout=60,
            json={"data": {"accion": "registrar_gestion", "nota": f"cliente {n}"}},
        )
        with lock:
            codes.append(resp.status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 9
    case = client.get(f"/api/v1/cases/{folio}", headers=headers).get_json()
    assert [e["event"] for e in case["log"]].count("task_completed") == 1
    assert [t["element_id"] for t in case["open_tasks"]] == ["gestionar_caso"]
    assert case["open_tasks"][0]["id"] != task_id
