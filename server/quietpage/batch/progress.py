"""The progress bar (tqdm on stderr): input bytes give the ETA, records per second are shown beside it."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total_bytes: int, enabled: bool, desc: str = "cleaning"):
        self.records = 0
        self.start = time.perf_counter()
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:  # the batch extra brings tqdm; without it, no bar
                return
            tqdm.monitor_interval = 0   # no monitor thread: the pool forks after the bar exists
            self.bar = tqdm(total=max(total_bytes, 1), unit="B", unit_scale=True, desc=desc, file=sys.stderr,
                            dynamic_ncols=True, mininterval=0.25, smoothing=0.1,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}B/{total_fmt}B [{elapsed}<{remaining}{postfix}]")
            self.bar.set_postfix_str("0 records", refresh=False)

    def advance(self, nbytes: int, records: int) -> None:
        self.records += records
        if self.bar is not None:
            dt = time.perf_counter() - self.start
            rate = self.records / dt if dt > 0 else 0.0
            self.bar.set_postfix_str(f"{self.records} records, {rate:.1f} rec/s", refresh=False)
            self.bar.update(nbytes)

    def less(self, nbytes: int) -> None:
        """Work found already done: take it out of the total instead of counting it as speed."""
        if self.bar is not None and nbytes:
            self.bar.total = max(1, self.bar.total - nbytes)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
