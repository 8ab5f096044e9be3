"""Network and CPU throttling through the DevTools protocol.

Figures from GoogleChrome/lighthouse core/config/constants.js (the DevTools-applied variants,
RTT × 3.75 and throughput × 0.9) and ChromeDevTools/devtools-frontend NetworkManager.ts.
CDP takes throughput in bytes per second: kbps × 1000 / 8.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Throttle:
    name: str
    latency_ms: float
    down_kbps: float  # 0: unthrottled
    up_kbps: float
    cpu_rate: float
    source: str


PROFILES: dict[str, Throttle] = {
    "none": Throttle("none", 0, 0, 0, 1, "no throttling"),
    "mobile": Throttle("mobile", 562.5, 1474.56, 675, 4,
                       "Lighthouse mobileSlow4G as applied via DevTools (constants.js)"),
    "slow-3g": Throttle("slow-3g", 2000, 400, 400, 1, "DevTools 'Slow 3G' preset (NetworkManager.ts)"),
    "desktop": Throttle("desktop", 40, 10240, 10240, 1, "Lighthouse desktopDense4G (constants.js)"),
}


def apply(context, page, name: str) -> None:
    """Throttle one page. A no-op for "none" so unthrottled runs pay nothing for it."""
    prof = PROFILES[name]
    if prof.name == "none":
        return
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False,
        "latency": prof.latency_ms,
        "downloadThroughput": prof.down_kbps * 1000 / 8,
        "uploadThroughput": prof.up_kbps * 1000 / 8,
    })
    if prof.cpu_rate > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": prof.cpu_rate})
