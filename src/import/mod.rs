//! Importers: official releases in, `data/*.yaml` out.

pub mod home_office;
pub mod latest;
