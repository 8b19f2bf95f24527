"""Portal pages, site settings, navigation and the design system's base templates."""
