"""The embedded phone: AndroidLab's apps as local web apps, served on 127.0.0.1."""
