"""The build engine: what Pelican runs to turn client files into a site.

The data flows one way, one module per step:

    load       courtside.loader        client files → typed model (or problems)
    rules      courtside.rules …       pure functions of the model and "today"
    render     build/render.py         one client file → its pages and feeds, as bytes
                                       (a ``RenderedClient``)
    cache      build/cache.py          skips a client file whose inputs did not change
    stage      build/staging.py        pages wait beside the output folder, as files;
                                       what is kept of them is their hashes (a ``StagedClient``,
                                       what the cache stores and the generator publishes)
    publish    build/publishing.py     the whole new site is swapped in, or none of it

``build/generator.py`` drives the steps as a Pelican generator, spreading the
render step over worker processes (``build/workers.py``, forked as soon as
Pelican has read the settings). Nothing outside this package imports
from it except the plugin's signal wiring.
"""
