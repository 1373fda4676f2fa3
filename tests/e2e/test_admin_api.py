"""``zbsync run`` serves the admin API: health, and a manual Generate with auto sync off."""

from __future__ import annotations

from tests.e2e.conftest import Stack
from tests.support.orders import order_data
from tests.support.worker_process import WorkerProcess, eventually

AUTH = {"Authorization": "Bearer e2e-admin-token"}


def _api_url(worker: WorkerProcess) -> str:
    [listening] = [e for e in worker.events() if e.get("event") == "admin api listening"]
    return str(listening["url"])


async def test_a_running_worker_serves_the_api_and_generates_by_hand(stack: Stack) -> None:
    worker = await stack.start_worker(ZBSYNC_AUTO_SYNC="false")
    base = _api_url(worker)
    async with stack.http.get(f"{base}/healthz") as resp:
        assert resp.status == 200
    await stack.paid(order_data("1001"))

    async def pending() -> bool:
        return await stack.state("1001") == "pending"

    await eventually(pending, what="order pending")
    async with stack.http.post(f"{base}/api/orders/1001/invoice") as resp:
        assert resp.status == 401
    async with stack.http.post(f"{base}/api/orders/1001/invoice", headers=AUTH) as resp:
        assert resp.status in (200, 202)  # 202: the pass that left it pending still held it

    async def synced() -> bool:
        return await stack.state("1001") == "synced"

    await eventually(synced, what="invoice generated")
    assert len(await stack.calls("invoices.create")) == 1
    assert await worker.stop() == 0


async def test_generate_racing_the_event_on_another_replica_gives_one_invoice(
    stack: Stack,
) -> None:
    first = await stack.start_worker()
    second = await stack.start_worker()
    base = _api_url(second)
    for n in range(5):
        await stack.paid(order_data(f"95{n}"))
    answers = []
    for n in range(5):  # each as soon as the order is stored, while the first may work on it

        async def stored(order_id: str = f"95{n}") -> bool:
            return await stack.order(order_id) is not None

        await eventually(stored, what="order stored")
        url = f"{base}/api/orders/95{n}/invoice"
        async with stack.http.post(url, headers=AUTH) as resp:
            answers.append(resp.status)
    assert set(answers) <= {200, 202}

    async def all_synced() -> bool:
        return all([await stack.state(f"95{n}") == "synced" for n in range(5)])

    await eventually(all_synced, what="every order synced")
    references = [i["reference_number"] for i in (await stack.books())["invoices"]]
    assert sorted(references) == [f"ORD-95{n}" for n in range(5)]
    assert len(await stack.calls("invoices.create")) == 5
    assert (await first.stop(), await second.stop()) == (0, 0)


async def test_connecting_through_a_running_worker_replaces_the_connection(stack: Stack) -> None:
    public = "http://zbsync.invalid"  # the sandbox accepts any redirect URI; the test follows it
    worker = await stack.start_worker(ZBSYNC_PUBLIC_URL=public)
    base = _api_url(worker)
    async with stack.http.get(
        f"{base}/oauth/connect?dc=eu", headers=AUTH, allow_redirects=False
    ) as resp:
        assert resp.status == 302
        cookie = resp.cookies["zbsync_oauth_state"].value
        authorize = resp.headers["Location"]
    async with stack.http.get(authorize, allow_redirects=False) as resp:
        back = resp.headers["Location"]
    assert back.startswith(f"{public}/oauth/callback?")
    callback = base + back.removeprefix(public)
    headers = {"Cookie": f"zbsync_oauth_state={cookie}"}
    async with stack.http.get(callback, headers=headers) as resp:
        assert resp.status == 200, await resp.text()
    async with stack.http.get(f"{base}/api/connection", headers=AUTH) as resp:
        connection = await resp.json()
    assert (connection["connected"], connection["data_center"]) == (True, "eu")

    await stack.paid(order_data("1201"))

    async def synced() -> bool:
        return await stack.state("1201") == "synced"

    await eventually(synced, what="invoice created with the new connection")
    assert await worker.stop() == 0
