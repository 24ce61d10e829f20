//! One small component per file.

pub mod apparmor_view;
pub mod cap_builder;
pub mod compare_view;
pub mod disclosure;
pub mod drop_zone;
pub mod image;
pub mod mask_view;
pub mod paste_box;
pub mod status_view;
