"""``torch.utils.data``: datasets, samplers, ``DataLoader`` and ``random_split``."""

from . import dataset as _dataset
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .distributed import DistributedSampler
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def get_worker_info():
    """``torch.utils.data.get_worker_info``: data always loads in the main process here."""
    return None


__all__ = [
    *_dataset.__all__,
    "DataLoader",
    "default_collate",
    "default_convert",
    "DistributedSampler",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "BatchSampler",
    "WeightedRandomSampler",
    "get_worker_info",
]
