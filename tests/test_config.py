"""Service settings: defaults, BOILERCUT_* variables, flags, and refusal of nonsense."""
from __future__ import annotations

import pytest

from service.config import Settings, from_env


def test_variables_override_defaults_and_flags_override_variables():
    env = {"BOILERCUT_PORT": "9000", "BOILERCUT_BODY_TIMEOUT": "2.5", "BOILERCUT_WORKER_CLASS": "gthread"}
    settings = from_env(env, port=9100, workers=None)  # a flag not given is None: the variable or default stays
    assert settings.port == 9100
    assert settings.body_timeout == 2.5 and settings.worker_class == "gthread"
    assert settings.workers == Settings().workers


def test_a_blank_variable_means_the_default():
    assert from_env({"BOILERCUT_QUEUE_TIMEOUT": "  "}).queue_timeout == Settings().queue_timeout


@pytest.mark.parametrize("env, message", [
    ({"BOILERCUT_PORT": "eighty"}, "BOILERCUT_PORT='eighty' is not a valid int"),
    ({"BOILERCUT_BODY_TIMEOUT": "0"}, "body_timeout must be positive"),
    ({"BOILERCUT_BODY_TIMEOUT": "inf"}, "body_timeout must be between 0 and 86400 seconds"),
    ({"BOILERCUT_BODY_TIMEOUT": "nan"}, "body_timeout must be between 0 and 86400 seconds"),
    ({"BOILERCUT_DOC_TIME_BUDGET": "-1"}, "doc_time_budget must be between"),
    ({"BOILERCUT_QUEUE_TIMEOUT": "-0.5"}, "queue_timeout must be between"),
    ({"BOILERCUT_WORKERS": "0"}, "workers must be at least 1"),
    ({"BOILERCUT_WORKER_CLASS": "sync"}, "worker_class must be one of gevent, gthread"),
    ({"BOILERCUT_LOG_LEVEL": "loud"}, "log_level must be"),
])
def test_nonsense_is_refused_with_the_setting_named(env, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        from_env(env)
