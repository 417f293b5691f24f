"""Property-based fuzz of the API against its own OpenAPI document (schemathesis): no 500s, every
status, content type, header and body as documented; schema-violating requests rejected with 4xx.
Bounded (max_examples) to stay well under a minute."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from quietpage.web import create_app

app = create_app({"QUIETPAGE_WORKERS": 0, "TESTING": True})
# A schema cannot say which strings the engine accepts as a page ("" or a lone control character
# is a valid JSON string but no article): 413/422 from the engine are valid answers to valid data.
config = SchemathesisConfig.from_dict({"checks": {
    "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "413", "422"]},
}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case):
    case.call_and_validate(headers={"Host": "localhost"})
