"""Image Studio core: engines, emulator, results, catalog, gallery store and export.

Plain Python: nothing in this package imports streamlit.
"""
