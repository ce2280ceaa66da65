"""Placeholder: being written (issue 12)."""

import streamlit as st


def show_tab(**_kwargs) -> None:
    st.info("…")
