"""The shared training loop."""

import pytest
import torch

from course_utils import train


def _problem():
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(64, 1, generator=gen)
    return x, 2.0 * x - 1.0


def test_train_reduces_the_loss_and_records_each_epoch():
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    x, y = _problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = train(model, x, y, optimizer=optimizer, loss_fn=torch.nn.MSELoss(), epochs=200)
    assert len(losses) == 200 and all(type(loss) is float for loss in losses)
    assert losses[-1] < 1e-3 < losses[0]
    assert model.weight.item() == pytest.approx(2.0, abs=0.05)
    assert model.training


def test_train_is_reproducible_from_a_seed():
    def run():
        torch.manual_seed(3)
        model = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        return train(model, *_problem(), optimizer=optimizer, loss_fn=torch.nn.MSELoss(), epochs=20)

    assert run() == run()


def test_train_logs_every_n_epochs(capsys):
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    train(model, *_problem(), optimizer=optimizer, loss_fn=torch.nn.MSELoss(), epochs=5, log_every=2)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["0", "2", "4"]


def test_train_explains_bad_arguments():
    model = torch.nn.Linear(1, 1)
    x, y = _problem()
    with pytest.raises(TypeError, match="torch.optim.Optimizer"):
        train(model, x, y, optimizer="adam", loss_fn=torch.nn.MSELoss(), epochs=1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        train(model, x, y, optimizer=optimizer, loss_fn=torch.nn.MSELoss(), epochs=0)
    with pytest.raises(TypeError, match="nn.Module or a callable"):
        train(42, x, y, optimizer=optimizer, loss_fn=torch.nn.MSELoss(), epochs=1)
