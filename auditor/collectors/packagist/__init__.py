"""PHP: composer.lock."""
