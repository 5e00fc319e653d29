"""The ontology file, its generated Python names and shapes, and the terms the design requires."""

import pytest
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import FOAF, PROV

from ontology import generate
from ontology.schema import load_schema, ontology_graph
from ontology.terms import RG

DESIGN_CLASSES = """Person PoliticalParty Court NGO GovernmentBody Prison MediaOutlet Place Charge LegalCase
Event Arrest Hearing Trial Verdict Sentence Bail Release Pardon Dissolution Ban Election PublicStatement
Document Claim""".split()
DESIGN_RELATIONS = """memberOf leaderOf spokespersonOf chargedWith arrestedOn triedBy convictedOf sentencedTo
bailGranted releasedOn pardonedBy dissolvedBy bannedFrom condemnedBy callsForReleaseOf heldIn exiledIn""".split()


def test_generated_files_match_the_ontology():
    for path, text in generate.generated().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run python -m ontology.generate"


def test_generate_check_reports_drift(tmp_path, monkeypatch):
    stale = tmp_path / "terms.py"
    stale.write_text("# old\n")
    monkeypatch.setattr(generate, "generated", lambda: {stale: "# new\n"})
    assert generate.main(["--check"]) == 1
    assert stale.read_text() == "# old\n"
    assert generate.main([]) == 0 and stale.read_text() == "# new\n"


@pytest.mark.parametrize("name", DESIGN_CLASSES)
def test_design_class_is_declared_with_label_and_comment(name):
    g = ontology_graph()
    assert (RG[name], RDF.type, OWL.Class) in g
    assert g.value(RG[name], RDFS.label) and g.value(RG[name], RDFS.comment)


@pytest.mark.parametrize("name", DESIGN_RELATIONS)
def test_design_relation_is_declared_with_label_comment_domain_and_range(name):
    relation = load_schema().relations[name]
    assert relation.label and relation.comment
    assert relation.domain and relation.range


def test_every_term_has_label_and_comment():
    g = ontology_graph()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in g.subjects(RDF.type, kind):
            assert g.value(term, RDFS.label), term
            assert g.value(term, RDFS.comment), term


def test_misspelt_term_fails_at_use():
    with pytest.raises(AttributeError):
        RG.chargedWth  # noqa: B018


def test_standard_vocabularies_are_reused():
    g = ontology_graph()
    assert (RG.Person, RDFS.subClassOf, FOAF.Person) in g
    assert (RG.memberOf, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/org#memberOf")) in g
    assert (RG.Claim, RDFS.subClassOf, PROV.Entity) in g


def test_subclasses_are_followed():
    schema = load_schema()
    assert schema.is_a("Trial", "Event") and schema.is_a("PoliticalParty", "Agent")
    assert not schema.is_a("Charge", "Agent")
