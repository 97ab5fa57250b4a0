"""What every reportable record shares: the `Record` base and money (`AmountField`). Both
live in neutral modules (hezuo/records.py, hezuo/amounts.py) that every app may build on
without importing an app; they are exported here too, under the name the migrations use."""

from hezuo.amounts import AmountField
from hezuo.records import Record

__all__ = ["AmountField", "Record"]
